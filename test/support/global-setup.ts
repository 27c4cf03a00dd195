// vitest global setup for the integration project: the run's moto servers.
// Tests isolate themselves with a fresh AWS account each (see aws.ts), not with resets.
import type { TestProject } from 'vitest/node';
import { type MotoServer, startMoto } from './moto-server.js';

let servers: MotoServer[] = [];

export async function setup(project: TestProject): Promise<void> {
  // One with AWS managed policies for the core; one without, whose sent mail reads fast.
  const [moto, mailMoto] = await Promise.all([startMoto(), startMoto({ managedPolicies: false })]);
  servers = [moto, mailMoto];
  project.provide('motoEndpoint', moto.endpoint);
  project.provide('motoMailEndpoint', mailMoto.endpoint);
}

export async function teardown(): Promise<void> {
  await Promise.all(servers.map((server) => server.stop()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
    motoMailEndpoint: string;
  }
}
