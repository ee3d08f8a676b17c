import { beforeAll } from 'vitest';
import { prepareRedaction } from '../../src/events/redact.js';

// --redact's lexers (PostgreSQL's is WebAssembly) load asynchronously, once, as the commands load them.
beforeAll(() => prepareRedaction());
