"""kepu: community science-outreach bulletin site generator.

Pipeline (each stage a module):
    readers (source, frontmatter, body)  -> validate (schema, topics)
    -> model (Site, Issue, Panel, Activity, Topic)  -> generators -> mkdocs
"""
__version__ = "0.1.0"
