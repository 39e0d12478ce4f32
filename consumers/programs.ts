// The five sample consumer programs, by category.
import type { Category } from '../schemas/catalog.ts';
import { calls } from './calls.ts';
import { groups } from './groups.ts';
import { messages } from './messages.ts';
import { moderation } from './moderation.ts';
import type { ConsumerProgram } from './program.ts';
import { users } from './users.ts';

export const PROGRAMS: Readonly<Record<Category, ConsumerProgram>> = { messages, users, groups, calls, moderation };
