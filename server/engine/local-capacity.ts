/**
 * What the local engine may hold at once: threads (allocations × threads per allocation, over every deployment) and
 * memory (each allocation holds its own session of the model). Elasticsearch refuses a deployment its ML nodes
 * cannot hold; so does infergate, before a single worker starts, instead of spawning a thousand threads.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { statusException } from '../http/errors';
import type { AllocationSettings } from './deployment';

export interface LocalLimits {
  /** INFERGATE_MAX_LOCAL_THREADS: allocations × threads over all deployments. */
  maxThreads: number;
  /** INFERGATE_MAX_LOCAL_MEMORY: the estimated bytes of every allocation's model session. */
  maxMemoryBytes: number;
  /** The cores adaptive allocations may occupy. */
  cpus: number;
}

export interface Reservation {
  threads: number;
  memoryBytes: number;
}

/** An ONNX session takes about the model file's size again in arena and weights; counted twice to stay on the safe
 * side. */
const SESSION_MEMORY_FACTOR = 2;

function onnxBytes(dir: string): number {
  let total = 0;
  const visit = (folder: string, depth: number): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() && depth < 2) visit(full, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.onnx')) total = Math.max(total, statSync(full).size);
    }
  };
  try {
    visit(dir, 0);
  } catch {
    // An unreadable directory is reported by the model loader itself.
  }
  return total;
}

/** The most allocations a deployment with these settings can run at once. */
export function peakAllocations(settings: AllocationSettings, cpus: number): number {
  const { adaptive } = settings;
  if (!adaptive?.enabled) return settings.allocations ?? 1;
  const byCores = Math.max(1, Math.floor(cpus / settings.threads));
  return Math.max(adaptive.min, 1, Math.min(adaptive.max, byCores), settings.allocations ?? 0);
}

export class LocalCapacity {
  private readonly reserved = new Map<string, Reservation>();
  private readonly modelBytes = new Map<string, number>();

  constructor(private readonly limits: LocalLimits) {}

  private sessionBytes(dir: string): number {
    let bytes = this.modelBytes.get(dir);
    if (bytes === undefined) this.modelBytes.set(dir, (bytes = onnxBytes(dir) * SESSION_MEMORY_FACTOR));
    return bytes;
  }

  /** Records what a deployment may take, or throws the 400 that says which limit it would pass. */
  reserve(deploymentId: string, dir: string, settings: AllocationSettings): void {
    const allocations = peakAllocations(settings, this.limits.cpus);
    const wanted: Reservation = { threads: allocations * settings.threads, memoryBytes: allocations * this.sessionBytes(dir) };
    let threads = 0;
    let memoryBytes = 0;
    for (const [id, reservation] of this.reserved) {
      if (id === deploymentId) continue;
      threads += reservation.threads;
      memoryBytes += reservation.memoryBytes;
    }
    const prefix = `Could not start deployment [${deploymentId}] because there are not enough resources to provide all requested allocations`;
    if (threads + wanted.threads > this.limits.maxThreads) {
      throw statusException(
        400,
        `${prefix}: [${allocations}] allocations of [${settings.threads}] threads need [${wanted.threads}] threads, ` +
          `[${Math.max(0, this.limits.maxThreads - threads)}] of the local engine's [${this.limits.maxThreads}] are free (INFERGATE_MAX_LOCAL_THREADS)`,
      );
    }
    if (memoryBytes + wanted.memoryBytes > this.limits.maxMemoryBytes) {
      const mb = (bytes: number) => Math.ceil(bytes / 1024 ** 2);
      throw statusException(
        400,
        `${prefix}: [${allocations}] allocations need about [${mb(wanted.memoryBytes)}mb], ` +
          `[${mb(Math.max(0, this.limits.maxMemoryBytes - memoryBytes))}mb] of the local engine's [${mb(this.limits.maxMemoryBytes)}mb] are free (INFERGATE_MAX_LOCAL_MEMORY)`,
      );
    }
    this.reserved.set(deploymentId, wanted);
  }

  release(deploymentId: string): void {
    this.reserved.delete(deploymentId);
  }
}
