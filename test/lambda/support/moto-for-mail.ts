// The Lambda tests read sent mail from /moto-api/data.json, which serializes every model of every
// account: on the server with AWS managed policies each fresh account brings about 1,300 of them
// (4.5 MB) and one read took 5 s with one account and 2.3 s more per account. The Lambda needs no
// managed policy, so its tests use the run's second server, started without them, where a read
// stays under 0.1 s at 30 accounts.
import { inject } from 'vitest';

export function mailMotoEndpoint(): string {
  return inject('motoMailEndpoint');
}
