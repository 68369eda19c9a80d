// Trains a gradient-boosted tree classifier with XGBoost (xgboost4j) on a feature matrix written by
// tools/train/train.ts, and writes the trees as XGBoost's JSON dump, which train.ts turns into an
// ONNX TreeEnsembleClassifier. Run as a single-file program: java -cp "<xgboost libs>/*" XgboostTrainer.java
//
// args: <train matrix> <train labels> <rows> <columns> <params as key=value,key=value> <rounds> <dump out>
//       [<matrix to predict> <rows> <predictions out>]
// Matrices and labels are little-endian float32, row-major; predictions are written the same way.
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

public class XgboostTrainer {
  public static void main(String[] args) throws Exception {
    int rows = Integer.parseInt(args[2]);
    int columns = Integer.parseInt(args[3]);
    DMatrix train = new DMatrix(readFloats(args[0], rows * columns), rows, columns, Float.NaN);
    train.setLabel(readFloats(args[1], rows));
    Map<String, Object> params = new HashMap<>();
    for (String pair : args[4].split(",")) {
      String[] kv = pair.split("=", 2);
      params.put(kv[0], kv[1]);
    }
    Booster booster = XGBoost.train(train, params, Integer.parseInt(args[5]), new HashMap<>(), null, null);
    Files.writeString(Path.of(args[6]), "[" + String.join(",", booster.getModelDump((String) null, false, "json")) + "]");
    if (args.length > 7) {
      int predictRows = Integer.parseInt(args[8]);
      float[][] predictions = booster.predict(new DMatrix(readFloats(args[7], predictRows * columns), predictRows, columns, Float.NaN));
      ByteBuffer out = ByteBuffer.allocate(predictRows * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] p : predictions) out.putFloat(p[0]);
      Files.write(Path.of(args[9]), out.array());
    }
  }

  private static float[] readFloats(String path, int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(Path.of(path))).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[count];
    buffer.asFloatBuffer().get(values);
    return values;
  }
}
