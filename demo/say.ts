// How the demo talks: numbered steps in bold, what AWS or GitHub said dimmed and indented.
export const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
export const dim = (text: string) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text);
export const say = (text = '') => process.stdout.write(`${text}\n`);
export const indent = (text: string) => text.trimEnd().replace(/^/gm, '    ');
let stepNumber = 0;
export const step = (title: string) => say(`\n${bold(`${++stepNumber}. ${title}`)}`);
