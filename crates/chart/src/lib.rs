//! Charts drawn with plotters as SVG. Input is exact money; floats appear only as plot
//! coordinates, after every sum has been done in decimals.

pub mod balances;
pub mod bars;
pub mod forecast;
pub mod png;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ChartError {
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
}
