// vitest global setup for the integration project: one moto server for the whole run.
// Tests isolate themselves with a fresh AWS account each (see aws.ts), not with resets.
import type { TestProject } from 'vitest/node';
import { type MotoServer, startMoto } from './moto-server.js';

let moto: MotoServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
}

export async function teardown(): Promise<void> {
  await moto?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}
