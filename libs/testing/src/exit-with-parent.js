// Preloaded (node -r) into the services tests and benchmarks start: a service exits once the process
// that started it is gone. A test worker killed before its afterAll ran would otherwise leave its
// services running, holding the test runner's output open so that it never exits.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 1000).unref();
