// The version is stamped at bundle time from package.json; `npm run bundle` rewrites nothing here.
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
