import * as core from '@actions/core';
import { VERSION } from './version.js';

export async function run(): Promise<void> {
  try {
    core.info(`iam-gitops ${VERSION}`);
  } catch (error) {
    core.setFailed(String(error));
  }
}
