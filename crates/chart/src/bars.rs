//! A horizontal bar per row (balances by entity or by bank, in one currency).

use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;

use cashline_domain::Money;

use crate::balances::CHART_WIDTH_PIXELS;
use crate::{ChartError, LABEL_FONT_PIXELS};

const BAR_PIXELS: u32 = 34;
const BAR_COLOR: RGBColor = RGBColor(31, 94, 168);

/// Bars for `rows`, all in one currency (the caller converts first, stating its rates).
/// `empty` is what the chart says when there is no row.
pub fn bars_svg(title: &str, rows: &[(String, Money)], empty: &str) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let height = 110 + BAR_PIXELS * rows.len().max(1) as u32;
        let root =
            SVGBackend::with_string(&mut svg, (CHART_WIDTH_PIXELS, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        if rows.is_empty() {
            root.draw(&Text::new(empty.to_string(), (20, 30), ("sans-serif", 16)))
                .map_err(draw_error)?;
            root.present().map_err(draw_error)?;
            drop(root);
            return Ok(svg);
        }
        // Plot coordinates only.
        let values: Vec<f64> = rows
            .iter()
            .map(|(_, m)| m.amount().to_f64().unwrap_or(0.0))
            .collect();
        let low = values.iter().copied().fold(0.0, f64::min);
        let high = values.iter().copied().fold(0.0, f64::max);
        let padding = ((high - low).abs() * 0.1).max(1.0);
        let labels: Vec<String> = rows.iter().map(|(label, _)| label.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 15))
            .margin(10)
            .margin_right(40)
            .x_label_area_size(28)
            .y_label_area_size(140)
            .build_cartesian_2d(
                (low - padding)..(high + padding),
                -0.5f64..(rows.len() as f64 - 0.5),
            )
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", LABEL_FONT_PIXELS))
            .y_labels(rows.len())
            .y_label_formatter(&|v| {
                labels
                    .get(v.round().max(0.0) as usize)
                    .cloned()
                    .unwrap_or_default()
            })
            .x_labels(5)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_error)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, v)| {
                Rectangle::new(
                    [(0.0, i as f64 - 0.35), (*v, i as f64 + 0.35)],
                    BAR_COLOR.filled(),
                )
            }))
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn draw_error<E: std::fmt::Debug>(error: E) -> ChartError {
    ChartError::Draw(format!("{error:?}"))
}
