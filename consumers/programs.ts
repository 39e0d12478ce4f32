// What a sample consumer program is (a category, the tables it keeps, a handler that applies one
// event to them, once: see store.ts), and the five programs by category.
import type { Logger } from '../common/logger.ts';
import type { Category } from '../schemas/catalog.ts';
import { calls } from './calls.ts';
import { groups } from './groups.ts';
import type { MediaResolver } from './media.ts';
import { messages } from './messages.ts';
import { moderation } from './moderation.ts';
import type { ConsumedEvent } from './runtime.ts';
import type { Store } from './store.ts';
import { users } from './users.ts';

export interface ProgramDeps {
  readonly db: Store;
  readonly logger: Logger;
  /** Only the messages program uses it; undefined when COMETCHAT_APP_ID/API_KEY are not set. */
  readonly media: MediaResolver | undefined;
}

export interface ConsumerProgram {
  readonly category: Category;
  /** CREATE TABLE IF NOT EXISTS … for the program's output. */
  readonly schema: string;
  createHandler(deps: ProgramDeps): (event: ConsumedEvent) => Promise<'applied' | 'duplicate'> | 'applied' | 'duplicate';
}

export const PROGRAMS: Readonly<Record<Category, ConsumerProgram>> = { messages, users, groups, calls, moderation };
