import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLInputType, type GraphQLSchema } from 'graphql';

/** The committed schema, for suites that generate their cases from it (a new argument is covered unedited). */
export function committedSchema(): GraphQLSchema {
  return buildSchema(readFileSync('schema.gql', 'utf8'));
}

/**
 * The smallest value a type accepts (required fields only): enough to get an operation past
 * GraphQL's validation to our code, harmless once there (ids name nothing, lists are empty).
 */
export function sampleValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const required = Object.values(type.getFields()).filter((field) => isNonNullType(field.type));
    return Object.fromEntries(required.map((field) => [field.name, sampleValue(field.type)]));
  }
  if (isScalarType(type)) {
    if (type.name === 'Int' || type.name === 'Float') return 1;
    if (type.name === 'Boolean') return false;
    if (type.name === 'DateTime') return '2026-01-01T00:00:00.000Z';
    return 'not-a-real-id';
  }
  throw new Error(`no sample for ${String(type)}`);
}
