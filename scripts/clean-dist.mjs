#!/usr/bin/env node
// Removes dist/ before the package build (npm run build:package, run by prepack), so that nothing a
// development build left there (source maps, compiled files of deleted sources) ends up in the tarball.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

fs.rmSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist'), { recursive: true, force: true });
