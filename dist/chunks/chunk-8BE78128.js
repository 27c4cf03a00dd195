import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as x,b as m,c as u,d as a,e,f as t}from"./chunk-38324728.js";var o=u((i,f)=>{f.exports=x("node:https")});var r={};a(r,{default:()=>p.default});var p,d=m(()=>{e(r,t(o()));p=t(o())});export{r as a,p as b,d as c};
