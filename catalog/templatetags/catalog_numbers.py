from django import template

register = template.Library()


@register.filter
def grouped(value: int) -> str:
    """A whole number with its thousands grouped: 1234567 -> "1,234,567".

    What `floatformat:"g"` shows for one on this English-only site, for a small share of its cost
    (it goes through Decimal and the format settings): song lists show one per song."""
    return f"{value:,}"
