import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../platform/http/schemas.ts';

export const Note = Type.Object({ id: Uuid, contactId: Nullable(Uuid), authorId: Nullable(Uuid), body: Type.String(), createdAt: Timestamp });
export const CreateNoteBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 20000 }) }, { additionalProperties: false });
