from customers.selectors import customer_count
from issetter.dashboard import Day, Figure, figure_provider
from issetter.models import Office


@figure_provider
def customer_figures(office: Office, day: Day) -> list[Figure]:
    return [Figure("Customers", customer_count(office=office), order=10, url_name="customers:list")]
