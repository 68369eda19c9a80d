// jest's node environment gives each test file its own realm, with its own typed-array classes.
// Native addons (onnxruntime-node) hand back arrays of the host realm, which then fail the
// `instanceof Float32Array` checks of JS code loaded in the test realm. Sharing the host's classes
// makes both sides agree, as they do in a real process.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class HostTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = HostTypedArraysEnvironment;
