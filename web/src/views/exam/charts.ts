// ECharts for the results page only, imported on demand (core, bar charts,
// grid, tooltip, canvas): a chunk of its own that no other page loads.
import { init, use } from 'echarts/core'
import { BarChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer])

export interface Bar {
  label: string
  count: number
}

/** Draws bars into el (replacing what was there); answers a function that disposes of the chart. */
export function drawBars(el: HTMLElement, bars: Bar[], opts: { color: string; name: string; marked?: (i: number) => boolean }): () => void {
  const chart = init(el)
  chart.setOption({
    grid: { left: 48, right: 16, top: 16, bottom: 40 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: bars.map((b) => b.label), axisLabel: { interval: 0, rotate: bars.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: opts.name,
        data: bars.map((b, i) => ({ value: b.count, itemStyle: { color: opts.marked?.(i) ? '#e6a23c' : opts.color } })),
        barMaxWidth: 40,
      },
    ],
  })
  const resize = () => chart.resize()
  window.addEventListener('resize', resize)
  return () => {
    window.removeEventListener('resize', resize)
    chart.dispose()
  }
}
