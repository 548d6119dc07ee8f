import { Int, Many, Str } from './props';

export class ParameterErrorDto {
  @Str('the query parameter, body field or file column at fault', { example: 'commodity' })
  parameter!: string;
  @Str('why', { example: 'unknown id cny2 (known: corn, cny, pork, rice, usd)' })
  message!: string;
}

// RFC 9457 problem details: every error the API answers has this shape.
export class ProblemDto {
  @Str('always about:blank: the status says what happened', { example: 'about:blank' })
  type!: string;
  @Str("the status's phrase", { example: 'Bad Request' }) title!: string;
  @Int('the HTTP status', { example: 400 }) status!: number;
  @Str('the sentence naming the problem', {
    example: 'commodity: unknown id cny2 (known: corn, cny, pork, rice, usd)',
  })
  detail!: string;
  @Many(() => ParameterErrorDto, 'each parameter at fault (empty when the error is not about one)')
  errors!: ParameterErrorDto[];
  @Int('the status again, for clients written before this shape') statusCode!: number;
  @Str('the detail again (always a string), for clients written before this shape')
  message!: string;
}
