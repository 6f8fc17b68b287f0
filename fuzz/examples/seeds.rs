//! Writes the seed corpus to `corpus/<target>/` (see `rapport_fuzz::seeds`).

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (target, seeds) in rapport_fuzz::seeds::all() {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        let count = seeds.len();
        for (name, bytes) in seeds {
            std::fs::write(dir.join(name), &bytes)?;
        }
        println!("{}: {} seeds", dir.display(), count);
    }
    Ok(())
}
