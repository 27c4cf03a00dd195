import { describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };
import { MINIMUM_NODE_MAJOR, minimumNodeMajor, nodeVersionProblem } from '../../../src/util/node-version.js';

describe('minimumNodeMajor', () => {
  it('reads the major of a >= range', () => {
    expect(minimumNodeMajor('>=22')).toBe(22);
    expect(minimumNodeMajor('>= 22.12.0')).toBe(22);
  });

  it('refuses a range it cannot check', () => {
    expect(() => minimumNodeMajor('^22 || ^24')).toThrow(
      'engines.node "^22 || ^24" is not of the form >=MAJOR',
    );
  });
});

describe('MINIMUM_NODE_MAJOR', () => {
  it("is package.json's engines.node", () => {
    expect(`>=${MINIMUM_NODE_MAJOR}`).toBe(packageJson.engines.node);
  });
});

describe('nodeVersionProblem', () => {
  it('is nothing on the minimum and later', () => {
    expect(nodeVersionProblem('22.0.0', 22)).toBeUndefined();
    expect(nodeVersionProblem('v24.21.0', 22)).toBeUndefined();
  });

  it('says what is needed and what there is on an older Node', () => {
    expect(nodeVersionProblem('20.20.2', 22)).toBe(
      'iam-gitops needs Node.js 22 or newer; this is Node.js 20.20.2. Install Node.js 22 or later (https://nodejs.org/en/download, or nvm install 22) and run it again.',
    );
  });
});
