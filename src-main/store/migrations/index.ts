// Numbered migrations, oldest first. Each runs in its own transaction and is recorded with a
// checksum; an applied migration whose text was later edited stops the app instead of
// silently diverging. Add a new file for every schema change; never edit an applied one.
import * as m001 from './001-initial.ts';
import * as m002 from './002-backend-settings.ts';
import * as m003 from './003-health-and-policy.ts';
import * as m004 from './004-vault-and-settings.ts';
import * as m005 from './005-instances.ts';
import * as m006 from './006-vault-key.ts';
import * as m007 from './007-scope-access.ts';
import * as m008 from './008-plain-http.ts';
import * as m009 from './009-connection-lifecycle.ts';
import * as m010 from './010-page-memo.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  { version: 1, ...m001 },
  { version: 2, ...m002 },
  { version: 3, ...m003 },
  { version: 4, ...m004 },
  { version: 5, ...m005 },
  { version: 6, ...m006 },
  { version: 7, ...m007 },
  { version: 8, ...m008 },
  { version: 9, ...m009 },
  { version: 10, ...m010 },
];
