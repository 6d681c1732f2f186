"""The public site: what readers, feed readers and crawlers see of the desk's work."""
