/** The running version, for `User-Agent` headers. Imported rather than read from disk so a bundle carries it. */
import serverPackage from '../../package.json' with { type: 'json' };

export const LATCHKEY_VERSION: string = serverPackage.version;
