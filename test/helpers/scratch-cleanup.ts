import { afterAll } from 'vitest';
import { removeScratchDirs } from './scratch-dir.js';

// A setup file: registered first, this hook runs after the test file's own (a lab closed, a writer stopped).
afterAll(removeScratchDirs);
