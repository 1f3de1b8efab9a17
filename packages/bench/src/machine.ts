/** What the figures were measured on: they are only comparable within one run, so the report names the machine. */
import os from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  postgres: string;
  os: string;
  /** 1-minute load average when the bench started: a noisy neighbour shows here. */
  loadAverage: number;
  date: string;
}

export function describeMachine(postgresVersion: string, now: Date = new Date()): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    postgres: postgresVersion,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg()[0] ?? 0,
    date: now.toISOString(),
  };
}
