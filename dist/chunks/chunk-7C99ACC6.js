import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as x,c as m,d as u,e,f as t}from"./chunk-38324728.js";var o=m((a,f)=>{f.exports=x("node:os")});var r={};u(r,{default:()=>p.default});e(r,t(o()));var p=t(o());export{r as a};
