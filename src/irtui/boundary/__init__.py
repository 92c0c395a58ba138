"""Where outside data crosses into irtui and irtui's data goes out: durable writes, bounded reads, display-safe text."""
