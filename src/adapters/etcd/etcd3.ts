// etcd3 at run time: the single-file bundle `npm run build` writes to dist/vendor/etcd3.cjs (no
// rpc.proto parse, one file instead of ~170: see scripts/bundle-vendor.js), else the package
// (running from src/ under tsx, as the tests do). Import etcd3's types from 'etcd3' as usual;
// take its values from here only, so that every class (errors included) comes from one copy.
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

// required, not imported: node's ESM import of a CommonJS file first scans all of it for export
// names, which costs more than loading the 700 KB bundle itself
const require = createRequire(import.meta.url)
const bundle = fileURLToPath(new URL('../../vendor/etcd3.cjs', import.meta.url))

export const etcd3 = require(existsSync(bundle) ? bundle : 'etcd3') as typeof import('etcd3')
