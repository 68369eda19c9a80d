// Trains a gradient-boosted tree classifier with XGBoost (xgboost4j) on a feature matrix written by
// tools/train/train.ts, and writes the trees as XGBoost's JSON dump, which train.ts turns into an
// ONNX TreeEnsembleClassifier. Run as a single-file program: java -cp "<xgboost libs>/*" XgboostTrainer.java
//
// args: <train matrix> <train labels> <rows> <columns> <params as key=value,key=value> <rounds> <dump out>
//       [<matrix to predict> <rows> <predictions out>]
//   or: select-rounds <train matrix> <train labels> <rows> <columns> <params> <most rounds>
//       <validation matrix> <validation labels> <validation rows>
//       which trains up to <most rounds>, scores the validation rows' average precision (aucpr) after
//       each, and prints the best round count and its figure as JSON.
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
  /** select-rounds stops once this many rounds in a row have not beaten the best. */
  private static final int PATIENCE = 100;

  public static void main(String[] args) throws Exception {
    if (args[0].equals("select-rounds")) {
      selectRounds(args);
      return;
    }
    int rows = Integer.parseInt(args[2]);
    int columns = Integer.parseInt(args[3]);
    DMatrix train = new DMatrix(readFloats(args[0], rows * columns), rows, columns, Float.NaN);
    train.setLabel(readFloats(args[1], rows));
    Map<String, Object> params = parseParams(args[4]);
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

  private static void selectRounds(String[] args) throws Exception {
    int rows = Integer.parseInt(args[3]);
    int columns = Integer.parseInt(args[4]);
    int mostRounds = Integer.parseInt(args[6]);
    int validationRows = Integer.parseInt(args[9]);
    DMatrix train = new DMatrix(readFloats(args[1], rows * columns), rows, columns, Float.NaN);
    train.setLabel(readFloats(args[2], rows));
    DMatrix validation = new DMatrix(readFloats(args[7], validationRows * columns), validationRows, columns, Float.NaN);
    validation.setLabel(readFloats(args[8], validationRows));
    Map<String, Object> params = parseParams(args[5]);
    params.put("eval_metric", "aucpr");
    // Round by round through the Booster itself: XGBoost.train with watches needs Jackson, which
    // xgboost4j leaves to the caller's classpath.
    Booster booster = XGBoost.train(train, params, 0, new HashMap<>(), null, null);
    DMatrix[] sets = {validation};
    String[] names = {"validation"};
    int best = 0;
    float bestFigure = -1f;
    for (int round = 0; round < mostRounds && round - best < PATIENCE; round++) {
      booster.update(train, round);
      String line = booster.evalSet(sets, names, round); // "[12]\tvalidation-aucpr:0.71234"
      float figure = Float.parseFloat(line.substring(line.lastIndexOf(':') + 1).trim());
      if (figure > bestFigure) {
        bestFigure = figure;
        best = round;
      }
    }
    System.out.println("{\"rounds\":" + (best + 1) + ",\"validationAveragePrecision\":" + bestFigure + "}");
  }

  private static Map<String, Object> parseParams(String text) {
    Map<String, Object> params = new HashMap<>();
    for (String pair : text.split(",")) {
      String[] kv = pair.split("=", 2);
      params.put(kv[0], kv[1]);
    }
    return params;
  }

  private static float[] readFloats(String path, int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(Path.of(path))).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[count];
    buffer.asFloatBuffer().get(values);
    return values;
  }
}
