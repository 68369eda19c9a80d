// Validates Kubernetes objects against the API's OpenAPI schemas, offline: kubernetes-models for the
// built-in kinds, @kubernetes-models/keda for KEDA's. Reads a JSON array of objects on stdin and prints a
// JSON array of { object: "Kind/name", problem } (empty when every object is valid). An ES module
// because both packages are; test/deploy/k8s-manifests.int-spec.ts runs it.
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const objects = JSON.parse(Buffer.concat(chunks).toString('utf8'));

/** The module of an object's model: kubernetes-models/<group>/<version>/<Kind> (the core group has none). */
function modelModule({ apiVersion, kind }) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [null, apiVersion];
  if (group?.endsWith('keda.sh')) return `@kubernetes-models/keda/${group}/${version}/${kind}`;
  return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
}

const problems = [];
for (const object of objects) {
  const name = `${object.kind}/${object.metadata?.name}`;
  let Model;
  try {
    Model = (await import(modelModule(object)))[object.kind];
  } catch {
    problems.push({ object: name, problem: `no schema for ${object.apiVersion} ${object.kind}` });
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push({ object: name, problem: error.message });
  }
}
process.stdout.write(JSON.stringify(problems));
