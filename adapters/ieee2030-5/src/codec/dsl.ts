/**
 * A small description language for the 2030.5 model: a complex type is an ordered list of fields (attributes and
 * xs:sequence elements, base type first), so one generic reader and writer serve every resource and element order
 * comes from one place. The TypeScript type of a resource is inferred from its description.
 */
import type { Lexical } from "./lexical.ts";

export type Occurs = "one" | "opt" | "many";

export interface Complex<S extends Spec = Spec> {
  readonly kind: "complex";
  readonly name: string;
  readonly spec: S;
  /** fields in document order: the base type's first */
  readonly fields: readonly (readonly [string, Field])[];
}

/** A resource of any type, named by xsi:type (Notification/Resource). */
export interface Typed {
  readonly kind: "typed";
  /** the complex types xsi:type may name (a getter: the registry refers back to this node) */
  readonly types: () => Readonly<Record<string, Complex<any>>>;
}
export interface TypedValue {
  type: string;
  value: Record<string, unknown>;
}

export type Node = Lexical<any> | Complex<any> | Typed;

export interface Field<N extends Node = Node, O extends Occurs = Occurs, A extends boolean = boolean> {
  readonly node: N;
  readonly occurs: O;
  readonly attr: A;
  /** a DER control mode: a 2023 `disabled="true"` attribute makes it read as absent */
  readonly control?: boolean;
  /** minOccurs and maxOccurs of a repeated element */
  readonly min?: number;
  readonly max?: number;
}

export type Spec = { readonly [name: string]: Field };

type NodeValue<N> = N extends Lexical<infer T> ? T : N extends Complex<infer S> ? Value<S> : N extends Typed ? TypedValue : never;
type FieldValue<F> = F extends Field<infer N, infer O> ? (O extends "many" ? NodeValue<N>[] : NodeValue<N>) : never;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends Field<Node, "one"> ? K : never }[keyof S];
type Flat<T> = { [K in keyof T]: T[K] } & {};
/** The value of a complex type: required fields are required, optional and repeated ones optional. */
export type Value<S> = Flat<{ -readonly [K in RequiredKeys<S>]: FieldValue<S[K]> } & { -readonly [K in Exclude<keyof S, RequiredKeys<S>>]?: FieldValue<S[K]> }>;
export type ValueOf<C> = C extends Complex<infer S> ? Value<S> : never;

export const one = <N extends Node>(node: N): Field<N, "one", false> => ({ node, occurs: "one", attr: false });
export const opt = <N extends Node>(node: N): Field<N, "opt", false> => ({ node, occurs: "opt", attr: false });
export const many = <N extends Node>(node: N, bounds: { min?: number; max?: number } = {}): Field<N, "many", false> =>
  ({ node, occurs: "many", attr: false, ...bounds });
/** an optional DER control mode (see Field.control) */
export const mode = <N extends Node>(node: N): Field<N, "opt", false> => ({ node, occurs: "opt", attr: false, control: true });
export const attr = <T>(node: Lexical<T>): Field<Lexical<T>, "opt", true> => ({ node, occurs: "opt", attr: true });
export const requiredAttr = <T>(node: Lexical<T>): Field<Lexical<T>, "one", true> => ({ node, occurs: "one", attr: true });

export const typed = (types: () => Readonly<Record<string, Complex<any>>>): Typed => ({ kind: "typed", types });

export function complex<S extends Spec>(name: string, spec: S): Complex<S> {
  return { kind: "complex", name, spec, fields: Object.entries(spec) };
}

/** A type derived by extension: the base's fields, then its own (xs:extension appends to the sequence). */
export function extend<B extends Spec, S extends Spec>(base: Complex<B>, name: string, spec: S): Complex<B & S> {
  return { kind: "complex", name, spec: { ...base.spec, ...spec }, fields: [...base.fields, ...Object.entries(spec)] };
}
