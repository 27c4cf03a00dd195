import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
var o="--semi-space-growth-factor=1",e=!1;function t(){e||(e=!0,process.getBuiltinModule?.("node:v8").setFlagsFromString(o))}export{t as a};
