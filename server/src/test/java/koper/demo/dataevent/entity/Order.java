package koper.demo.dataevent.entity;

/** Koper demo's order, as its README writes it (a bean with getters and setters). */
public class Order {
    private String orderNo;
    private long createdTime;

    public Order() {
    }

    public Order(String orderNo, long createdTime) {
        this.orderNo = orderNo;
        this.createdTime = createdTime;
    }

    public String getOrderNo() {
        return orderNo;
    }

    public void setOrderNo(String orderNo) {
        this.orderNo = orderNo;
    }

    public long getCreatedTime() {
        return createdTime;
    }

    public void setCreatedTime(long createdTime) {
        this.createdTime = createdTime;
    }
}
