//! The forecast chart: per currency, receipts above and payments below the axis for each
//! business day, and the projected closing balance as a line.

use chrono::NaiveDate;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;

use cashline_domain::{Currency, Money};

use crate::balances::{CHART_WIDTH_PIXELS, PANEL_HEIGHT_PIXELS};
use crate::{ChartError, LABEL_FONT_PIXELS};

#[derive(Debug, Clone)]
pub struct ForecastDayPoint {
    pub date: NaiveDate,
    pub receipts: Money,
    pub payments: Money,
    pub closing: Money,
}

#[derive(Debug, Clone)]
pub struct ForecastSeries {
    pub currency: Currency,
    pub days: Vec<ForecastDayPoint>,
}

const RECEIPTS: RGBColor = RGBColor(40, 140, 80);
const PAYMENTS: RGBColor = RGBColor(196, 70, 50);
const CLOSING: RGBColor = RGBColor(31, 94, 168);
const RIGHT_MARGIN_PIXELS: u32 = 40;

/// Plot coordinates only: the figures stay decimal everywhere else.
fn y(money: &Money) -> f64 {
    money.amount().to_f64().unwrap_or(0.0)
}

pub fn forecast_svg(series: &[ForecastSeries]) -> Result<String, ChartError> {
    let panels: Vec<&ForecastSeries> = series.iter().filter(|s| !s.days.is_empty()).collect();
    let mut svg = String::new();
    {
        let height = PANEL_HEIGHT_PIXELS * (panels.len().max(1) as u32);
        let root =
            SVGBackend::with_string(&mut svg, (CHART_WIDTH_PIXELS, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        if panels.is_empty() {
            root.draw(&Text::new("No forecast yet", (20, 30), ("sans-serif", 16)))
                .map_err(draw_error)?;
        }
        let areas = root.split_evenly((panels.len().max(1), 1));
        for (panel, area) in panels.iter().zip(areas.iter()) {
            let count = panel.days.len();
            let low = panel
                .days
                .iter()
                .map(|d| -y(&d.payments))
                .fold(0.0, f64::min)
                .min(
                    panel
                        .days
                        .iter()
                        .map(|d| y(&d.closing))
                        .fold(f64::INFINITY, f64::min),
                );
            let high = panel
                .days
                .iter()
                .map(|d| y(&d.receipts))
                .fold(0.0, f64::max)
                .max(
                    panel
                        .days
                        .iter()
                        .map(|d| y(&d.closing))
                        .fold(f64::NEG_INFINITY, f64::max),
                );
            let padding = ((high - low).abs() * 0.1).max(1.0);
            let labels: Vec<String> = panel
                .days
                .iter()
                .map(|d| d.date.format("%d %b").to_string())
                .collect();
            let mut chart = ChartBuilder::on(area)
                .caption(
                    format!(
                        "{} forecast: receipts, payments and closing balance",
                        panel.currency
                    ),
                    ("sans-serif", 15),
                )
                .margin(10)
                .margin_right(RIGHT_MARGIN_PIXELS)
                .x_label_area_size(28)
                .y_label_area_size(90)
                .build_cartesian_2d(
                    -0.5f64..(count as f64 - 0.5),
                    (low - padding)..(high + padding),
                )
                .map_err(draw_error)?;
            chart
                .configure_mesh()
                .label_style(("sans-serif", LABEL_FONT_PIXELS))
                .x_labels(count.min(10))
                .x_label_formatter(&|x| {
                    labels
                        .get(x.round().max(0.0) as usize)
                        .cloned()
                        .unwrap_or_default()
                })
                .y_labels(5)
                .y_label_formatter(&|v| format!("{v:.0}"))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(draw_error)?;
            chart
                .draw_series(panel.days.iter().enumerate().map(|(i, d)| {
                    Rectangle::new(
                        [(i as f64 - 0.35, 0.0), (i as f64 - 0.02, y(&d.receipts))],
                        RECEIPTS.filled(),
                    )
                }))
                .map_err(draw_error)?;
            chart
                .draw_series(panel.days.iter().enumerate().map(|(i, d)| {
                    Rectangle::new(
                        [(i as f64 + 0.02, 0.0), (i as f64 + 0.35, -y(&d.payments))],
                        PAYMENTS.filled(),
                    )
                }))
                .map_err(draw_error)?;
            chart
                .draw_series(LineSeries::new(
                    panel
                        .days
                        .iter()
                        .enumerate()
                        .map(|(i, d)| (i as f64, y(&d.closing))),
                    CLOSING.stroke_width(2),
                ))
                .map_err(draw_error)?;
        }
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn draw_error<E: std::fmt::Debug>(error: E) -> ChartError {
    ChartError::Draw(format!("{error:?}"))
}
