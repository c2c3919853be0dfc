package koper.demo.bad;

/** A DAO nobody marked with @DataObject (nor its interface). */
public class PlainOrderDaoImpl {
    public String insertOrder(String orderNo) {
        return orderNo;
    }
}
