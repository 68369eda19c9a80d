import type { ChildProcess } from 'node:child_process';
import { startSuiteProcess, SUITE_PROCESSES, type SuiteProcessName } from '@app/testing';
import { cpuProfileArgs } from './bench-report';

/**
 * Starts every suite process as the images run it (compiled, with its CPU priority), each writing its
 * CPU profile to `profileDir/<name>` when one is given, into `processes` as each starts: the caller stops
 * what started even if a later one fails.
 */
export async function startBenchSuite(
  processes: Map<SuiteProcessName, ChildProcess>,
  ports: Record<SuiteProcessName, number>,
  env: Record<string, string>,
  profileDir: string,
): Promise<void> {
  for (const { name } of SUITE_PROCESSES)
    processes.set(
      name,
      await startSuiteProcess(name, ports[name], env, {
        compiled: true,
        prioritised: true,
        nodeArgs: cpuProfileArgs(profileDir && `${profileDir}/${name}`),
      }),
    );
}
