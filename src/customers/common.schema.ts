import { Type } from 'typebox';

/** Shapes shared by contacts, accounts and deals. */

/** Free-form custom fields of a CRM record. */
export const Custom = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.Unknown(), { maxProperties: 100 });
export const ShortText = (maxLength = 200) => Type.String({ minLength: 1, maxLength });
export const Q = Type.String({ minLength: 1, maxLength: 200 });
