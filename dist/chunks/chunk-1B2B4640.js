import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as r,b as e,c as m}from"./chunk-4F02834C.js";import{D as t,t as o}from"./chunk-67F42989.js";var p=class extends r(e,m,"GetUser",o){};var s=class extends r(e,m,"TagUser",t){};export{p as a,s as b};
