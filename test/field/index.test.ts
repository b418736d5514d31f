import { describe, expect, it } from 'vitest';
import { fieldOf, isFieldTag } from '../../src/field/index.ts';

describe('field tags', () => {
  it('maps tags to arithmetic', () => {
    expect(fieldOf('Z').name).toBe('Q');
    expect(fieldOf('Z5').name).toBe('Z5');
    expect(fieldOf('C').name).toBe('C');
    expect(isFieldTag('Z4')).toBe(false);
    expect(() => fieldOf('F4')).toThrow(/unknown field "F4"/);
  });
});
