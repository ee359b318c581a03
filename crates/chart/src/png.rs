//! PNG export: the same SVG a screen shows, rasterised with resvg, so an exported chart is
//! exactly what was on screen. Text is set in the system's fonts (DejaVu on Debian).

use std::sync::OnceLock;

use resvg::{tiny_skia, usvg};

use crate::ChartError;

/// Pixels per SVG unit: exports are drawn at twice the screen size, for print and slides.
const EXPORT_SCALE: f32 = 2.0;

fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut options = usvg::Options::default();
        let fonts = options.fontdb_mut();
        fonts.load_system_fonts();
        // fontdb's generic families default to Windows fonts; map them to what is installed.
        let installed = |family: &str| {
            fonts
                .faces()
                .any(|face| face.families.iter().any(|(name, _)| name == family))
        };
        if let Some(family) = ["DejaVu Sans", "Liberation Sans", "Noto Sans"]
            .into_iter()
            .find(|f| installed(f))
        {
            fonts.set_sans_serif_family(family);
        }
        options
    })
}

pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, ChartError> {
    let tree = usvg::Tree::from_str(svg, options())
        .map_err(|e| ChartError::Draw(format!("the chart's SVG does not read back: {e}")))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(EXPORT_SCALE)
        .ok_or_else(|| ChartError::Draw("empty chart".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| ChartError::Draw("the chart is too large to export".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(EXPORT_SCALE, EXPORT_SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ChartError::Draw(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_a_chart_as_png() {
        let svg = crate::balances::balances_by_currency_svg(&[]).unwrap();
        let png = svg_to_png(&svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}
