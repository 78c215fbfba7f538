import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

class ProbeBody {
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  count!: number;
}

class SlowQuery {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(5000)
  ms!: number;
}

/** Test-only endpoints that exercise the platform (validation, body limit, errors, draining). */
@Controller('__probe')
class ProbeController {
  @Post('echo')
  echo(@Body() body: ProbeBody): ProbeBody {
    return body;
  }

  @Get('slow')
  async slow(@Query() query: SlowQuery): Promise<{ waited: number }> {
    await new Promise((resolve) => setTimeout(resolve, query.ms));
    return { waited: query.ms };
  }

  @Get('crash')
  crash(): never {
    throw new Error('relation "secret_table" does not exist at /srv/app/dist/x.js:1:1');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
