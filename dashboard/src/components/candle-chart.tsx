import {
  CandlestickSeries,
  ColorType,
  createChart,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';

import type { Bar } from '../api/types';

const UP = '#0a7d4f';
const DOWN = '#c62828';

/**
 * Candlesticks with volume underneath (TradingView's lightweight-charts, drawn on canvas).
 * The chart object lives as long as the component; new bars replace the series' data.
 */
export function CandleChart({
  bars,
  intraday,
  label,
}: {
  bars: Bar[];
  intraday: boolean;
  label: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const candles = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volume = useRef<ISeriesApi<'Histogram'> | null>(null);

  useEffect(() => {
    const created = createChart(container.current!, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: '#ffffff' },
        textColor: '#1f2933',
        // Its logo injects an inline <style> (refused by the page's CSP) and a link inside the
        // chart; the attribution the licence asks for is the figure's caption instead.
        attributionLogo: false,
      },
      grid: { vertLines: { color: '#eef1f4' }, horzLines: { color: '#eef1f4' } },
      rightPriceScale: { borderColor: '#cbd2d9' },
      timeScale: { borderColor: '#cbd2d9' },
    });
    candles.current = created.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      borderVisible: false,
      wickUpColor: UP,
      wickDownColor: DOWN,
    });
    volume.current = created.addSeries(HistogramSeries, {
      priceFormat: { type: 'volume' },
      priceScaleId: 'volume',
    });
    volume.current.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    candles.current.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.25 } });
    chart.current = created;
    return () => {
      created.remove();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.applyOptions({ timeScale: { timeVisible: intraday, secondsVisible: false } });
    const time = (bar: Bar) => Math.floor(Date.parse(bar.timestamp) / 1000) as UTCTimestamp;
    candles.current?.setData(
      bars.map((bar) => ({
        time: time(bar),
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
      })),
    );
    volume.current?.setData(
      bars.map((bar) => ({
        time: time(bar),
        value: bar.volume,
        color: bar.close >= bar.open ? 'rgba(10,125,79,0.4)' : 'rgba(198,40,40,0.4)',
      })),
    );
    chart.current?.timeScale().fitContent();
  }, [bars, intraday]);

  return (
    <figure class="chart-figure">
      <div class="chart" ref={container} data-testid="chart" />
      <figcaption>
        {label}. Charts by{' '}
        <a href="https://www.tradingview.com/" rel="noopener noreferrer">
          TradingView Lightweight Charts™
        </a>
        .
      </figcaption>
    </figure>
  );
}
