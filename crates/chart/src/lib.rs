//! Charts drawn with plotters as SVG. Input is exact money; floats appear only as plot
//! coordinates, after every sum has been done in decimals.

pub mod balances;
pub mod bars;
pub mod forecast;
pub mod png;

use thiserror::Error;

/// Axis labels' size. Plotters scales its default with the drawing's height, which makes the
/// labels of a short chart unreadable, so every chart sets it.
pub(crate) const LABEL_FONT_PIXELS: u32 = 13;

#[derive(Debug, Error)]
pub enum ChartError {
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
}
