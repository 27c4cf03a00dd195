import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{b as t}from"./chunk-BC792924.js";import{l as o,t as m}from"./chunk-F0B714B6.js";var d=o(t,"AWSIdentityManagementV20100508","IAMClient",m),s={},f=(n,e,r,i)=>[];export{d as a,s as b,f as c};
