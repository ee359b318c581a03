//! Closing balances over time, one panel per currency: currencies are never drawn on one
//! scale, since adding or comparing them without a rate would mislead.

use chrono::NaiveDate;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;

use cashline_domain::{Currency, Money};

use crate::{ChartError, LABEL_FONT_PIXELS};

pub const PANEL_HEIGHT_PIXELS: u32 = 220;
pub const CHART_WIDTH_PIXELS: u32 = 760;
/// Plotters measures no text without a font library, so the last axis label needs room.
const RIGHT_MARGIN_PIXELS: u32 = 40;

/// One currency's total closing booked balance per day.
#[derive(Debug, Clone)]
pub struct CurrencySeries {
    pub currency: Currency,
    pub points: Vec<(NaiveDate, Money)>,
}

const PALETTE: [RGBColor; 5] = [
    RGBColor(31, 94, 168),
    RGBColor(196, 90, 30),
    RGBColor(40, 140, 80),
    RGBColor(140, 60, 150),
    RGBColor(90, 90, 90),
];

/// Draws the panels; an empty input gives a small SVG saying there is no data.
pub fn balances_by_currency_svg(series: &[CurrencySeries]) -> Result<String, ChartError> {
    let mut svg = String::new();
    let panels = series
        .iter()
        .filter(|s| !s.points.is_empty())
        .collect::<Vec<_>>();
    let height = PANEL_HEIGHT_PIXELS * (panels.len().max(1) as u32);
    {
        let root =
            SVGBackend::with_string(&mut svg, (CHART_WIDTH_PIXELS, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        if panels.is_empty() {
            root.draw(&Text::new("No balances yet", (20, 30), ("sans-serif", 16)))
                .map_err(draw_error)?;
        }
        let areas = root.split_evenly((panels.len().max(1), 1));
        for (index, (panel, area)) in panels.iter().zip(areas.iter()).enumerate() {
            draw_panel(area, panel, PALETTE[index % PALETTE.len()])?;
        }
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    series: &CurrencySeries,
    color: RGBColor,
) -> Result<(), ChartError> {
    // Plot coordinates only; the figures themselves stay decimal everywhere else.
    let coordinates: Vec<(NaiveDate, f64)> = series
        .points
        .iter()
        .map(|(date, money)| (*date, money.amount().to_f64().unwrap_or(0.0)))
        .collect();
    let first = coordinates
        .first()
        .map(|p| p.0)
        .expect("panels are never empty");
    let last = coordinates
        .last()
        .map(|p| p.0)
        .expect("panels are never empty");
    // A single day still gets a visible axis.
    let (start, end) = if first == last {
        (
            first - chrono::Duration::days(1),
            last + chrono::Duration::days(1),
        )
    } else {
        (first, last)
    };
    let low = coordinates
        .iter()
        .map(|p| p.1)
        .fold(f64::INFINITY, f64::min)
        .min(0.0);
    let high = coordinates
        .iter()
        .map(|p| p.1)
        .fold(f64::NEG_INFINITY, f64::max)
        .max(0.0);
    let padding = ((high - low).abs() * 0.1).max(1.0);
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("{} closing booked", series.currency),
            ("sans-serif", 16),
        )
        .margin(10)
        .margin_right(RIGHT_MARGIN_PIXELS)
        .x_label_area_size(28)
        .y_label_area_size(90)
        .build_cartesian_2d(start..end, (low - padding)..(high + padding))
        .map_err(draw_error)?;
    let minor_units = series.currency.minor_units() as usize;
    chart
        .configure_mesh()
        .label_style(("sans-serif", LABEL_FONT_PIXELS))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|date| date.format("%d %b").to_string())
        .y_label_formatter(&|value| format!("{value:.0$}", minor_units.min(2)))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(draw_error)?;
    chart
        .draw_series(LineSeries::new(
            coordinates.iter().copied(),
            color.stroke_width(2),
        ))
        .map_err(draw_error)?;
    chart
        .draw_series(
            coordinates
                .iter()
                .map(|point| Circle::new(*point, 3, color.filled())),
        )
        .map_err(draw_error)?;
    Ok(())
}

fn draw_error<E: std::fmt::Debug>(error: E) -> ChartError {
    ChartError::Draw(format!("{error:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn draws_one_panel_per_currency() {
        let series = vec![
            CurrencySeries {
                currency: Currency::EUR,
                points: vec![
                    (day("2026-11-23"), Money::from_minor(100_000, Currency::EUR)),
                    (day("2026-11-24"), Money::from_minor(-50_000, Currency::EUR)),
                ],
            },
            CurrencySeries {
                currency: Currency::JPY,
                points: vec![(
                    day("2026-11-24"),
                    Money::from_minor(1_200_000, Currency::JPY),
                )],
            },
        ];
        let svg = balances_by_currency_svg(&series).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(svg.contains("EUR closing booked"));
        assert!(svg.contains("JPY closing booked"));
        assert!(svg.contains(&format!("height=\"{}\"", 2 * PANEL_HEIGHT_PIXELS)));
    }

    #[test]
    fn empty_input_says_so() {
        let svg = balances_by_currency_svg(&[]).unwrap();
        assert!(svg.contains("No balances yet"));
    }
}
