import { afterEach, describe, expect, it } from 'vitest';
import { userFileSchema } from '../../../src/roster/user-schema.js';
import * as z from '../../../src/util/zod.js';

const realFunction = globalThis.Function;

afterEach(() => {
  globalThis.Function = realFunction;
});

describe('zod as the schemas use it', () => {
  it('generates no code from strings: object schemas parse with the Function constructor gone', () => {
    const schema = z.object({ name: z.string(), groups: z.optional(z.array(z.string())) });
    const compiled: string[] = [];
    // zod's JIT compiles an object parser with `new Function(...)` on the schema's first parse.
    globalThis.Function = new Proxy(realFunction, {
      construct(_target, args: string[]) {
        compiled.push(args.join(','));
        throw new Error('code generated from a string');
      },
    });

    expect(schema.parse({ name: 'ada', groups: ['developers'] })).toEqual({
      name: 'ada',
      groups: ['developers'],
    });
    expect(schema.parse({ name: 'grace' })).toEqual({ name: 'grace' });
    expect(userFileSchema.safeParse({ name: 'ada@example.com' }).success).toBe(true);
    expect(compiled).toEqual([]);
  });

  it("gives zod's English messages, which zod/mini leaves to its caller to configure", () => {
    const result = z.object({ name: z.string().check(z.maxLength(3)) }).safeParse({ name: 'grace' });

    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'Too big: expected string to have <=3 characters',
    ]);
    expect(z.string().safeParse(7).error?.issues[0]?.message).toBe(
      'Invalid input: expected string, received number',
    );
  });

  it('still reports every issue with its path', () => {
    const schema = z.object({ name: z.string(), tags: z.record(z.string(), z.string()) });

    const result = schema.safeParse({ name: 7, tags: { team: 1 } });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['name', 'tags.team']);
  });
});
