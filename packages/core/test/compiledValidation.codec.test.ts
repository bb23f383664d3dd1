import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsEnum,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidateNested,
  validateSync,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/errors/codes.js';
import { describeValidationErrors, MessageCodec } from '../src/messages/MessageCodec.js';
import { schema } from '../src/messages/schema.js';
import { SchemaRegistry } from '../src/messages/SchemaRegistry.js';

@ValidatorConstraint({ name: 'isEven' })
class IsEven implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
}

@schema('application/vnd.test.custom')
class WithCustomConstraint {
  @Validate(IsEven) count!: number;
}

@schema('application/vnd.test.transform')
class WithTransform {
  @Transform(({ value }: { value: unknown }) => String(value).trim())
  @IsString()
  name!: string;
}

@schema('application/vnd.test.conditional')
class WithValidateIf {
  @ValidateIf((o: { kind?: string }) => o.kind === 'card') @IsString() card?: string;
  @IsString() kind!: string;
}

@schema('application/vnd.test.groups')
class WithGroups {
  @IsString({ groups: ['admin'] }) role!: string;
}

enum Tier {
  Free = 'free',
  Pro = 'pro',
}

class Line {
  @IsString() @MinLength(1) sku!: string;
  @IsInt() @Min(1) @Max(1000) qty!: number;
}

@schema('application/vnd.test.signup')
class Signup {
  @IsUUID() id!: string;
  @IsString() @Length(1, 100) name!: string;
  @IsEmail() email!: string;
  @IsEnum(Tier) tier!: Tier;
  @IsISO8601() createdAt!: string;
  @IsString() country!: string;
  @IsOptional() @IsString() note?: string;
  @IsString() source = 'web';
  @IsArray() @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];
  @IsArray() @ArrayMinSize(3) @ArrayMaxSize(3) @IsNumber({}, { each: true }) scores!: number[];
}

const SIGNUP = 'application/vnd.test.signup';
const signup = {
  id: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
  name: 'Ada',
  email: 'ada@example.com',
  tier: 'pro',
  createdAt: '2024-05-01T10:20:30Z',
  country: 'GB',
  lines: [{ sku: 'a-1', qty: 2, extra: true }],
  scores: [1, 2.5, 3],
  isAdmin: true,
};

const codec = new MessageCodec(
  new SchemaRegistry([Signup, WithCustomConstraint, WithTransform, WithValidateIf, WithGroups]),
);
const entry = (schemaName: string) => codec.compilation.find((item) => item.schema === schemaName);

describe('MessageCodec.compilation', () => {
  it('lists every schema with its media type and whether it is compiled', () => {
    expect(codec.compilation).toHaveLength(5);
    expect(entry('Signup')).toEqual({ schema: 'Signup', mediaType: SIGNUP, compiled: true });
  });

  it('compiles the rules the existing codec tests use (IsInt, Min, IsOptional, nested @Type)', () => {
    class Address {
      @IsString() city!: string;
    }
    @schema('application/vnd.test.order')
    class Order {
      @IsString() id!: string;
      @IsInt() @Min(1) quantity!: number;
      @IsOptional() @IsString() note?: string;
    }
    @schema('application/vnd.test.customer')
    class Customer {
      @IsString() name!: string;
      @ValidateNested() @Type(() => Address) address!: Address;
    }
    const compiled = new MessageCodec(new SchemaRegistry([Order, Customer])).compilation;
    expect(compiled.map((item) => item.compiled)).toEqual([true, true]);
  });

  it('a custom constraint is not compiled, and says so', () => {
    expect(entry('WithCustomConstraint')).toMatchObject({ compiled: false });
    expect(entry('WithCustomConstraint')?.reason).toMatch(
      /WithCustomConstraint\.count uses a custom constraint/,
    );
  });

  it('@Transform, @ValidateIf and groups are not compiled, each with its reason', () => {
    expect(entry('WithTransform')).toMatchObject({
      compiled: false,
      reason: 'WithTransform uses @Transform',
    });
    expect(entry('WithValidateIf')).toMatchObject({
      compiled: false,
      reason: 'WithValidateIf.card uses @ValidateIf',
    });
    expect(entry('WithGroups')).toMatchObject({
      compiled: false,
      reason: 'WithGroups.role uses validation groups',
    });
  });

  it('a nested class that cannot be compiled names the path to it', () => {
    class Inner {
      @Validate(IsEven) n!: number;
    }
    @schema('application/vnd.test.outer')
    class Outer {
      @ValidateNested() @Type(() => Inner) inner!: Inner;
    }
    const outer = new MessageCodec(new SchemaRegistry([Outer]));
    expect(outer.compilation[0]?.reason).toBe('Outer.inner: Inner.n uses a custom constraint');
  });
});

describe('MessageCodec on a compiled schema', () => {
  it('decodes synchronously to what plainToInstance gives, undeclared fields dropped', () => {
    const decoded = codec.decode(SIGNUP, structuredClone(signup));
    expect(decoded).not.toBeInstanceOf(Promise);
    const expected = plainToInstance(Signup, structuredClone(signup));
    expect(validateSync(expected, { whitelist: true, forbidUnknownValues: true })).toEqual([]);
    expect(decoded).toStrictEqual(expected);
    expect(decoded).toBeInstanceOf(Signup);
    expect((decoded as Signup).lines[0]).toBeInstanceOf(Line);
    expect(decoded).not.toHaveProperty('isAdmin');
    expect((decoded as Signup).lines[0]).not.toHaveProperty('extra');
    expect((decoded as Signup).source).toBe('web'); // the field initialiser survives
  });

  it('encodes synchronously to the same text as before', () => {
    const encoded = codec.encode(SIGNUP, structuredClone(signup), { 'x-request-id': 'r-1' });
    expect(typeof encoded).toBe('string');
    const declared: Partial<typeof signup> = structuredClone(signup);
    delete declared.isAdmin;
    expect(JSON.parse(encoded as string)).toEqual({
      mediaType: SIGNUP,
      ...declared,
      source: 'web',
      lines: [{ sku: 'a-1', qty: 2 }],
      opaqueData: { 'x-request-id': 'r-1' },
    });
  });

  it('rejects with exactly the messages class-validator gives', async () => {
    const bad = { ...structuredClone(signup), email: 'ada@', lines: [{ sku: '', qty: 0 }], scores: [1, 'x'] };
    const errors = validateSync(plainToInstance(Signup, structuredClone(bad)), {
      whitelist: true,
      forbidUnknownValues: true,
    });
    const expected = `decode: Signup is invalid: ${describeValidationErrors(errors)}`;
    expect(expected).toMatch(/email: email must be an email/);
    expect(expected).toMatch(/lines\.0\.sku: sku must be longer than or equal to 1 characters/);
    const decoding = codec.decode(SIGNUP, bad);
    expect(decoding).toBeInstanceOf(Promise);
    await expect(decoding).rejects.toMatchObject({ code: ErrorCodes.MESSAGE_INVALID, message: expected });
    await expect(codec.encode(SIGNUP, bad)).rejects.toThrow(expected.replace('decode:', 'encode:'));
  });
});

describe('MessageCodec on a schema that is not compiled', () => {
  it('still validates with class-validator, asynchronously', async () => {
    const decoding = codec.decode('application/vnd.test.custom', { count: 2 });
    expect(decoding).toBeInstanceOf(Promise);
    expect(await decoding).toEqual(Object.assign(new WithCustomConstraint(), { count: 2 }));
    await expect(codec.decode('application/vnd.test.custom', { count: 3 })).rejects.toMatchObject({
      code: ErrorCodes.MESSAGE_INVALID,
    });
    expect(await codec.decode('application/vnd.test.transform', { name: '  Ada ' })).toMatchObject({
      name: 'Ada',
    });
  });
});
