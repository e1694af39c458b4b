def test_probe(page, db):
    page.goto("/")
    print(page.evaluate("typeof htmx"))
    print(page.title())
