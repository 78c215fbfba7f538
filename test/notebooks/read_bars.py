"""
The calls docs/notebooks.md shows, run against a live server: each format read the documented
way with pandas, polars and DuckDB must give the same bars as the JSON answer.

Usage: python read_bars.py BASE_URL   (the server holds AAPL and MSFT 1m bars on 2024-01-02)
Prints one line per check and 'N passed, N failed'; exits 1 when any failed.
"""
import io
import math
import sys

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import requests

BASE = sys.argv[1]
query = {"timeframe": "1m", "start": "2024-01-02", "end": "2024-01-02"}
results = []


def check(name, fn):
    try:
        fn()
        results.append(True)
        print(f"ok   {name}")
    except Exception as error:  # noqa: BLE001 - every failure is reported, then counted
        results.append(False)
        print(f"FAIL {name}: {error!r}")


def json_bars(symbol, **extra):
    page = requests.get(f"{BASE}/api/v1/historical/{symbol}", params={**query, **extra}).json()
    return page["bars"]


def same(left, right):
    assert len(left) == len(right), f"{len(left)} rows != {len(right)}"
    for a, b in zip(left, right):
        for key in b:
            x, y = a[key], b[key]
            if y is None or (isinstance(y, float) and math.isnan(y)):
                assert x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)), (key, x, y)
            else:
                assert x == y, (key, x, y)


def iso(ts):
    return pd.Timestamp(ts).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def records(df):
    rows = df.to_dict("records")
    for row in rows:
        row["timestamp"] = iso(row["timestamp"])
    return rows


def pandas_arrow():
    r = requests.get(f"{BASE}/api/v1/historical/AAPL", params={**query, "format": "arrow"})
    r.raise_for_status()
    table = pa.ipc.open_stream(r.content).read_all()
    assert str(table.schema.field("timestamp").type) == "timestamp[ms, tz=UTC]"
    assert table.schema.metadata[b"timeframe"] == b"1m"
    df = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    assert str(df["trades"].dtype) == "Int64"
    same(records(df), json_bars("AAPL", limit=50000))


def pandas_multi():
    r = requests.get(f"{BASE}/api/v1/historical",
                     params={**query, "symbols": "AAPL,MSFT", "format": "arrow"})
    wide = pa.ipc.open_stream(r.content).read_all().to_pandas() \
        .pivot(index="timestamp", columns="symbol", values="close")
    assert list(wide.columns) == ["AAPL", "MSFT"]
    assert list(wide["MSFT"].dropna()) == [b["close"] for b in json_bars("MSFT", limit=50000)]


def pandas_csv():
    df = pd.read_csv(f"{BASE}/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&format=csv",
                     parse_dates=["timestamp"], dtype={"trades": "Int64"})
    same(records(df), json_bars("AAPL", limit=50000))


def pandas_arrow_pages():
    params = {**query, "format": "arrow", "limit": 70}
    tables = []
    while True:
        r = requests.get(f"{BASE}/api/v1/historical/AAPL", params=params)
        tables.append(pa.ipc.open_stream(r.content).read_all())
        cursor = r.headers.get("X-Next-Cursor")
        if cursor is None:
            break
        params["cursor"] = cursor
    assert len(tables) > 1
    df = pa.concat_tables(tables).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    same(records(df), json_bars("AAPL", limit=50000))


def pandas_arrow_batches():
    rows = 0
    with requests.get(f"{BASE}/api/v1/historical/AAPL",
                      params={**query, "format": "arrow"}, stream=True) as r:
        r.raise_for_status()
        for batch in pa.ipc.open_stream(r.raw):
            rows += batch.num_rows
    assert rows == len(json_bars("AAPL", limit=50000))


def polars_arrow():
    r = requests.get(f"{BASE}/api/v1/historical/AAPL", params={**query, "format": "arrow"})
    df = pl.read_ipc_stream(io.BytesIO(r.content))
    assert str(df.schema["timestamp"]) == "Datetime(time_unit='ms', time_zone='UTC')"
    same(records(df.to_pandas()), json_bars("AAPL", limit=50000))


def polars_csv_json():
    df = pl.read_csv(f"{BASE}/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02&end=2024-01-02&format=csv",
                     try_parse_dates=True)
    page = requests.get(f"{BASE}/api/v1/historical/AAPL", params={**query, "limit": 50000}).json()
    js = pl.DataFrame(page["bars"]).with_columns(pl.col("timestamp").str.to_datetime(time_zone="UTC"))
    assert df["close"].to_list() == js["close"].to_list()
    assert df.height == js.height


def duckdb_arrow():
    bars = pa.ipc.open_stream(requests.get(
        f"{BASE}/api/v1/historical", params={**query, "symbols": "AAPL,MSFT", "format": "arrow"}
    ).content).read_all()
    out = duckdb.sql("""
        SELECT symbol, date_trunc('day', timestamp) AS day, max(high) AS high, sum(volume) AS volume
        FROM bars GROUP BY ALL ORDER BY ALL
    """).df()
    for symbol in ["AAPL", "MSFT"]:
        expected = json_bars(symbol, limit=50000)
        row = out[out["symbol"] == symbol].iloc[0]
        assert row["high"] == max(b["high"] for b in expected)
        assert math.isclose(row["volume"], sum(b["volume"] for b in expected))


for name, fn in [
    ("pandas: Arrow", pandas_arrow),
    ("pandas: Arrow, several symbols, pivoted", pandas_multi),
    ("pandas: CSV", pandas_csv),
    ("pandas: Arrow pages by X-Next-Cursor", pandas_arrow_pages),
    ("pyarrow: Arrow batch by batch from the socket", pandas_arrow_batches),
    ("polars: Arrow", polars_arrow),
    ("polars: CSV and JSON", polars_csv_json),
    ("DuckDB: over an Arrow table", duckdb_arrow),
]:
    check(name, fn)

passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
